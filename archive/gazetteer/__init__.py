"""The gazetteer's data: divisions of China with their codes, names and slugs, as
migrations load them and the tools that need them without a database read them."""
