"""The pure computations: exposure, aging, KPIs, provisions, collections, the credit file,
migration, the watchlist, reviews, the ledger's rules, the what-if engine and the loss model."""
