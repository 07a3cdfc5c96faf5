"""The explicit list of feature cogs the bot loads, in order."""

EXTENSIONS: tuple[str, ...] = (
    "cogs.meta",
    "cogs.disclosures",
    "cogs.alerts",
    "cogs.polls",
    "cogs.privacy",  # last: it reads the other cogs' privacy hooks
)
