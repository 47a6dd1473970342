import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache as django_cache

from .. import cache
from ..cache import elder_mode
from ..models.base import format_pub_date, section_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    request = context.get("request")
    return section_pages(request) if request is not None else []


@register.simple_tag(takes_context=True)
def is_elder_mode(context):
    request = context.get("request")
    return request is not None and elder_mode(request)


@register.filter
def pubtime(value):
    """YYYY-MM-DD HH:MM, as government sites print publication times."""
    return format_pub_date(value)


@register.filter
def percent(value):
    return "—" if value is None else f"{value}%"


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, topics, vary_on):
        self.nodelist, self.name, self.topics, self.vary_on = nodelist, name, topics, vary_on

    def render(self, context):
        request = context.get("request")
        if not (getattr(settings, "FRAGMENT_CACHE_ENABLED", True) and cache.fragments_allowed(request)):
            return self.nodelist.render(context)
        stamp = cache.request_generations(request, self.topics)
        vary = [str(v.resolve(context)) for v in self.vary_on]
        digest = hashlib.sha256("|".join([*map(str, stamp), *vary]).encode()).hexdigest()
        key = f"pagecache:fragment:{self.name}:{digest}"
        value = django_cache.get(key)
        if value is None:
            value = self.nodelist.render(context)
            django_cache.set(key, value, cache.timeout())
        return value


@register.tag("fragment")
def do_fragment(parser, token):
    """{% fragment "name" "topic1,topic2" var1 var2 %}…{% endfragment %}

    Caches what it encloses until one of the topics changes (portal/pages/cache.py),
    one copy per value of the variables. Never for a signed-in user or a preview.
    """
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("{% fragment %} takes a name, the topics and the variables it varies on")
    name, topics = (b.strip("\"'") for b in bits[1:3])
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name, tuple(t for t in topics.split(",") if t),
                        [parser.compile_filter(b) for b in bits[3:]])


@register.filter
def site_identity(request):
    """The site's SiteIdentity (footer, meta tags), kept in the cache until a page or setting changes."""
    from ..models.base import SiteIdentity

    if not hasattr(request, "get_host"):  # a template rendered without a request
        return None
    if not (getattr(settings, "FRAGMENT_CACHE_ENABLED", True) and cache.fragments_allowed(request)):
        return SiteIdentity.for_request(request)
    key = f"pagecache:identity:{request.get_host()}:{cache.request_generations(request, (cache.PAGES,))[0]}"
    identity = django_cache.get(key)
    if identity is None:
        identity = SiteIdentity.for_request(request)
        django_cache.set(key, identity, cache.timeout())
    return identity
