"""The students' feedback sheets and the class print bundles."""
