"""The catalog site: static pages of one snapshot (build.py), their links, charts and views, and the loopback
server that shows a built site."""
