"""The composition root: the one place that knows every layer and wires them together.

- `app.wiring`    opens the database, builds the engine, router, forms and channels; `run` and `console`
- `app.cli`       the command line's subcommands (main.py parses, this dispatches)
- `app.reporting` `report`, `export` and `demo` on the command line
- `app.import_notes`, `app.import_facilities`  the file importers (`notes import`, `facilities import`)

bot/ (engine, form runtime, channels), handlers/ (what the bot does), reports/ and storage/ never
import from here.
"""
