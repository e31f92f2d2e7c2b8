"""summary.xlsx, the cohort workbook."""
