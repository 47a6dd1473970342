"""Excel import and export of the registries (Annex 1 institutions, Annex 2
members, the task table), sharing one reader and one writer; the service
module is the one code path for the admin, background tasks and commands."""
