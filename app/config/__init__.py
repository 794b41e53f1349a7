"""Machine-wide configuration for the desktop: policy > machine > user > defaults on every OS.

Qt-free so the settings dialog, the CLI (``ringdesk --show-config``) and tests share one resolver.
"""

from app.config.loader import Config, ConfigPaths, Setting, load_config, resolve
from app.config.schema import SETTINGS, SPECS, SettingSpec
from app.config.sources import Layer, RegistrySource

__all__ = [
    "SETTINGS",
    "SPECS",
    "Config",
    "ConfigPaths",
    "Layer",
    "RegistrySource",
    "Setting",
    "SettingSpec",
    "load_config",
    "resolve",
]
