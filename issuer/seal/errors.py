"""What goes wrong when the seal is opened."""


class SealConfigError(ValueError):
    """The seal settings are incomplete or point at something unusable."""
