"""The provider's setting: where the carereach executable is (Processing ▸ Options ▸ Providers ▸ carereach)."""

from qgis.core import QgsSettings

SETTING = "CAREREACH_EXECUTABLE"
# Where Processing keeps its providers' settings (ProcessingConfig), read directly when its module is missing.
SETTINGS_KEY = "/Processing/Configuration/" + SETTING


def add_setting(provider):
    """Adds 'carereach executable' to Processing's options (the Processing plugin's ProcessingConfig)."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig, Setting
    except ImportError:
        return False
    ProcessingConfig.settingIcons[provider.name()] = provider.icon()
    ProcessingConfig.addSetting(Setting(provider.name(), SETTING,
                                        "carereach executable (empty: the carereach on the PATH)", "",
                                        valuetype=Setting.FILE))
    ProcessingConfig.readSettings()
    return True


def remove_setting():
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
    except ImportError:
        return
    ProcessingConfig.removeSetting(SETTING)


def configured_executable():
    """The configured path, or ""."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        value = ProcessingConfig.getSetting(SETTING)
        if value:
            return str(value)
    except (ImportError, KeyError, AttributeError):
        pass
    value = QgsSettings().value(SETTINGS_KEY, "")
    return str(value) if value else ""
