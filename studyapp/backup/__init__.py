"""One learner's whole account as a portable document: exporting it and importing it elsewhere.
May import accounts, library, storage, errors and clock."""
