"""Forms declared by tests, each in one module of its own as a department would add one (issue 21)."""
