"""Delivery layer: the Flask web app and the `s4c` command line."""
