"""Building the workbook: the notebook executor, kernels, runner, reports and overview."""
