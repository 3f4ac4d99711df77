"""Pure market-data model: symbols, ticks, books and the latest quote per symbol. No I/O, no Qt."""
