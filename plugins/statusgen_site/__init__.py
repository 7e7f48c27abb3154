"""A thin Pelican adapter: one generator that loads the model with statusgen and writes its pages with the theme."""
from .generator import register

__all__ = ["register"]
