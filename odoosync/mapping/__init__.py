"""The mapping: mapping.toml read into a typed model, catalog rows mapped to Odoo values and
Odoo records back, and the mapping checked against Odoo.

Modules: ``model`` (mapping.toml <-> ``MappingConfig``), ``rows`` (``map_row`` /
``unmap_record``, per-field hashes and digests), ``check`` (``mappings validate``).
"""
