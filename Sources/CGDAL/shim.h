#ifndef PIPELINE_CGDAL_SHIM_H
#define PIPELINE_CGDAL_SHIM_H

// GDAL's VSIStatBufL is `struct stat64`, which glibc declares only with this macro.
#ifndef _LARGEFILE64_SOURCE
#define _LARGEFILE64_SOURCE 1
#endif
#include <sys/stat.h>

#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

// INIT_RASTERIO_EXTRA_ARG is a macro; Swift cannot call macros, so wrap it.
static inline void pipeline_gdal_init_rasterio_extra_arg(GDALRasterIOExtraArg *arg,
                                                         GDALRIOResampleAlg alg) {
    INIT_RASTERIO_EXTRA_ARG(*arg);
    arg->eResampleAlg = alg;
}

// Install the quiet handler once: errors are read back through CPLGetLastError* and thrown.
static inline void pipeline_gdal_silence_errors(void) {
    CPLSetErrorHandler(CPLQuietErrorHandler);
}

// VSIStatBufL is a platform typedef Swift does not import; answer the one question we ask of it.
static inline int pipeline_vsi_path_exists(const char *path) {
    VSIStatBufL buffer;
    return VSIStatExL(path, &buffer, VSI_STAT_EXISTS_FLAG) == 0;
}

#endif
