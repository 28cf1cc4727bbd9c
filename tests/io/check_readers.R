# Prints one variable of a scamsim result file as R's two readers see it, for tests/io/check_readers.py to
# compare with h5py: ncdf4 (netCDF-C: it refuses a whole file holding a type it cannot map) and hdf5r.
#   Rscript check_readers.R FILE GROUP NAME
# Output, one line each: "ncdf4 dims: <dimension names, outermost first>", "ncdf4 values: <values>",
# "hdf5r values: <values>". Values are in row-major (C) order: both readers reverse the dimensions and R
# stores column-major, so as.vector() gives h5py's order.
#   Rscript check_readers.R FILE --table PATH COLUMN
# A compound table, which only HDF5 readers see (docs/OUTPUT.md 4.1): "hdf5r column: <values>", and
# "ncdf4 variables: <names>", which must not include it.
suppressPackageStartupMessages({
  library(ncdf4)
  library(hdf5r)
})
args <- commandArgs(trailingOnly = TRUE)
if (!(length(args) == 3 || (length(args) == 4 && args[2] == "--table"))) {
  stop("usage: Rscript check_readers.R FILE GROUP NAME | FILE --table PATH COLUMN")
}
file <- args[1]
show <- function(x) paste(format(as.vector(x), digits = 17, scientific = FALSE, trim = TRUE), collapse = " ")

if (args[2] == "--table") {
  nc <- nc_open(file)
  cat("ncdf4 variables:", names(nc$var), "\n")
  nc_close(nc)
  f <- H5File$new(file, mode = "r")
  table <- f[[args[3]]]$read()
  cat("hdf5r column:", show(table[[args[4]]]), "\n")
  f$close_all()
  quit(status = 0)
}
path <- paste0(args[2], "/", args[3])

nc <- nc_open(file)
variable <- nc$var[[path]]
if (is.null(variable)) stop(paste("ncdf4 has no variable", path, "in", file))
# ncdf4 names a group's dimensions by path ("by_country/time"): the name is the last part.
cat("ncdf4 dims:", rev(vapply(variable$dim, function(d) sub(".*/", "", d$name), "")), "\n")
cat("ncdf4 values:", show(ncvar_get(nc, path)), "\n")
nc_close(nc)

f <- H5File$new(file, mode = "r")
cat("hdf5r values:", show(f[[path]]$read()), "\n")
f$close_all()
