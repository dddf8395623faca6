"""The findings format (``findings.json``) in one place.

- :mod:`.format`: its name, version and file, the statuses, the row type, where a resource lives;
- ``schema.json``: its JSON Schema (the tests validate real runs against it);
- :mod:`.reader`: :func:`~.reader.load` and :func:`~.reader.check`, importing nothing heavy;
- :mod:`.build`: the document built from a run's findings;
- :mod:`.writers`: every report format (``json`` included) behind one table.
"""
