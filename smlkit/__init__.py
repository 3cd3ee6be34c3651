"""The SML Workbook: a Self Managed Learning staff-development course served as Voila dashboards.

The package is layered; each layer imports only those below it (``make lint`` checks this with
import-linter, see ``docs/architecture.md``)::

    cli  serve                 the command line; Voila with the workbook's pages, keys and pools
    ui                         ipywidgets: ui.kit (the Dashboard shell, fields, forms) and a folder per domain
    exports                    the day's record and the printable handouts
    agreements groups wall     one package per domain: pure model modules, plus records.py (the
    scenarios review course    domain's record kinds, queries and export rows) and files (formats);
    people pilot library       library loads the workbook's own content into domain objects
    storage content access     the store; data files, schemas and spreadsheets; tokens and visitors
    settings                   every SMLKIT_* setting, read once
    errors                     the one exception hierarchy
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
