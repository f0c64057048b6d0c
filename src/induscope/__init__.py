"""induscope: analytics of new industrialization.

Python API: ``induscope.services`` holds one function per use case; ``induscope.core`` the pure models.
"""
__version__ = "0.1.0"
