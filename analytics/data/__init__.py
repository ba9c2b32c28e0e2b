"""Files and DuckDB: the contract, reading and validating exports, the warehouse, exports."""
