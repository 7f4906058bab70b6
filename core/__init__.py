"""The ground floor beside ``places``: facts about a cell's value that every floor shares
(docs/architecture.md). It imports no project package."""
