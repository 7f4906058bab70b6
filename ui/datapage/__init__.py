"""The Data page's parts (``views/data.py`` only lays them out).

- ``state``: the page's session state, one :class:`~ui.datapage.state.DataPageState`;
- ``common``: client address, cached store reads, name lookups, running a write;
- ``login``: the version shown, the downloads, the editor's login;
- ``rowform``: "Add or edit one row";
- ``review``: problems, the changes table by table, Publish;
- ``upload``: a filled template or a zip of CSV files;
- ``mapping``: the office's own spreadsheet (tables, columns, words);
- ``publications``: the kept publication exports;
- ``history``: versions, restore, the audit log.
"""
