"""The statutory clock: term dates and school days (`calendar`), when each PEP is due and why
(`deadlines`), and the daily job's reminders, escalations and digests (`reminders`)."""
