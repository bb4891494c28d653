"""The registry's room: public pages, the registry API, the operator's and trust anchors' console."""
