/* The POS-ISP driver's C twin: 27 raw parameters -> per-frame registers and table contents,
 * bit for bit what fixedpoint/posisp/driver.py drive() computes (its docstring is the
 * specification). C99 plus gcc/clang's __int128 for the exact products; no floating point.
 * Every constant (working precision, exp2 constants, formats, register order, table layouts)
 * comes from the generated posisp_driver.h (fixedpoint/posisp/codegen.py). */
#ifndef POSISP_DRIVER_API_H
#define POSISP_DRIVER_API_H

#include <stdint.h>

#include "posisp_driver.h"

#ifdef __cplusplus
extern "C" {
#endif

/* return codes of posisp_drive (the cases in which the Python driver raises) */
#define POSISP_DRV_OK 0
#define POSISP_DRV_ERR_NULL (-1)  /* a NULL pointer */
#define POSISP_DRV_ERR_RANGE (-2) /* a raw parameter outside [0, 2^POSISP_DRV_P_F] (driver.p) */
#define POSISP_DRV_ERR_DIV0 (-3)  /* a division by zero (Python: ZeroDivisionError) */
#define POSISP_DRV_ERR_LOG (-4)   /* log2 of a non-positive value (Python: ValueError) */

/* One frame's driver output: raw register values (two's complement of their entries, sign-
 * extended) in register-map order (POSISP_DRV_REG_*), the per-frame tables' entries, and the
 * number of saturations/wraps per config entry (POSISP_DRV_E_*; Python: out.overflows). */
typedef struct {
    int64_t regs[POSISP_DRV_NREGS];
    int64_t gamma[POSISP_DRV_GAMMA_N];
    int64_t denoise[POSISP_DRV_DENOISE_N];
    int64_t contrast[POSISP_DRV_CONTRAST_N];
    uint32_t overflows[POSISP_DRV_NENTRIES];
} posisp_driver_out_t;

/* Drive one frame from the 27 raw driver.p values (quantize_params). Returns POSISP_DRV_OK or
 * a negative POSISP_DRV_ERR_* code; on error *out is unspecified. */
int posisp_drive(const uint32_t p[POSISP_DRV_NPARAMS], posisp_driver_out_t *out);

/* A one-line description of a return code. */
const char *posisp_drive_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
