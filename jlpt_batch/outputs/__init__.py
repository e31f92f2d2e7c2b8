"""Outputs: everything a run writes into its folder."""
