# Elasticsearch with the smartcn analyzer for Chinese (search/documents.py
# uses it when the plugin is there). The major version must match the
# Python client in pyproject.toml (elasticsearch 9.x).
ARG ELASTICSEARCH_VERSION=9.1.5
FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}
RUN bin/elasticsearch-plugin install --batch analysis-smartcn
