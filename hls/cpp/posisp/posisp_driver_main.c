/* Test harness of the driver's C twin (tests/hls/test_posisp_driver_c.py): reads lines of 27
 * raw parameters from stdin, prints per line "ERR <code>" or "OK" followed by every register,
 * every gamma, denoise and contrast table entry and every overflow count. */
#include <stdio.h>

#include "posisp_driver_api.h"

int main(void) {
    uint32_t p[POSISP_DRV_NPARAMS];
    posisp_driver_out_t out;
    unsigned long v;
    int i, rc;
    for (;;) {
        for (i = 0; i < POSISP_DRV_NPARAMS; i++) {
            if (scanf("%lu", &v) != 1) return i == 0 ? 0 : 2;
            p[i] = (uint32_t)(v > 0xFFFFFFFFul ? 0xFFFFFFFFul : v);
        }
        rc = posisp_drive(p, &out);
        if (rc != POSISP_DRV_OK) {
            printf("ERR %d\n", rc);
            continue;
        }
        printf("OK");
        for (i = 0; i < POSISP_DRV_NREGS; i++) printf(" %lld", (long long)out.regs[i]);
        for (i = 0; i < POSISP_DRV_GAMMA_N; i++) printf(" %lld", (long long)out.gamma[i]);
        for (i = 0; i < POSISP_DRV_DENOISE_N; i++) printf(" %lld", (long long)out.denoise[i]);
        for (i = 0; i < POSISP_DRV_CONTRAST_N; i++) printf(" %lld", (long long)out.contrast[i]);
        for (i = 0; i < POSISP_DRV_NENTRIES; i++) printf(" %u", out.overflows[i]);
        printf("\n");
    }
}
