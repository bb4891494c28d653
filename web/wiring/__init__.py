"""Wiring: settings, the data directory, databases, the job queue, mail, keys, and the services container `create_app` builds once."""
