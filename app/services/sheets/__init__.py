"""Spreadsheet imports: upload, preview, confirm (all rows or none), and the cell readers the kinds share. The
kinds themselves belong to their domains (requests, activities), which the factory registers here, so that this
package imports nothing above it. Imports core and registry."""
