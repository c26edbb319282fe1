/* The POS-ISP driver's C twin (see posisp_driver_api.h and fixedpoint/posisp/driver.py, whose
 * docstring is the specification). C99 + __int128 (gcc, clang); integer arithmetic only.
 * Every left shift of a possibly negative value is written as a product (no undefined
 * behaviour); >> on signed __int128 is the arithmetic shift of gcc/clang (floor). */
#include "posisp_driver_api.h"

#include <stddef.h>

__extension__ typedef __int128 i128; /* gcc/clang extension */
__extension__ typedef unsigned __int128 u128;

#define ONE128 ((i128)1)
#define SHL(v, s) ((i128)(v) * (ONE128 << (s)))

typedef struct {
    int err;
    posisp_driver_out_t *out;
} ctx_t;

/* shr(v, s) = floor(v / 2^s + 1/2) for s > 0, v for s = 0, v * 2^-s for s < 0 */
static i128 shr(i128 v, int s) {
    if (s > 0) return (v + (ONE128 << (s - 1))) >> s;
    return SHL(v, -s);
}

static i128 floordiv(i128 a, i128 b) { /* b > 0 */
    i128 q = a / b;
    if (a % b != 0 && a < 0) q -= 1;
    return q;
}

/* div(n, d) = floor(n / d + 1/2); d = 0 is an error */
static i128 dv(ctx_t *c, i128 n, i128 d) {
    if (d == 0) {
        if (!c->err) c->err = POSISP_DRV_ERR_DIV0;
        return 0;
    }
    if (d < 0) { n = -n; d = -d; }
    return floordiv(2 * n + d, 2 * d);
}

static i128 isqrt(u128 v) {
    u128 r = 0, bit = (u128)1 << 126;
    while (bit > v) bit >>= 2;
    while (bit) {
        if (v >= r + bit) { v -= r + bit; r = (r >> 1) + bit; }
        else r >>= 1;
        bit >>= 2;
    }
    return (i128)r;
}

static int bitlen(u128 v) {
    int n = 0;
    while (v) { v >>= 1; n++; }
    return n;
}

static i128 cq(ctx_t *c, int a, int b) { return dv(c, SHL(a, POSISP_DRV_DF), b); } /* C(a, b) */

static i128 log2q(ctx_t *c, i128 v, int f) {
    const int df = POSISP_DRV_DF;
    int i, k;
    i128 m, r, two = ONE128 << (df + 1);
    if (v <= 0) {
        if (!c->err) c->err = POSISP_DRV_ERR_LOG;
        return 0;
    }
    k = bitlen((u128)v) - 1;
    m = k <= df ? v << (df - k) : v >> (k - df);
    r = SHL(k - f, df);
    for (i = 1; i <= df; i++) {
        m = (m * m) >> df;
        if (m >= two) { m >>= 1; r += ONE128 << (df - i); }
    }
    return r;
}

/* exp2q(e) -> y * 2^(n - DF) */
static i128 exp2q(i128 e, int *n_out) {
    const int df = POSISP_DRV_DF;
    int i;
    i128 n = e >> df, r = e - n * (ONE128 << df), y = ONE128 << df;
    for (i = 1; i <= df; i++)
        if ((r >> (df - i)) & 1) y = shr(y * (i128)posisp_drv_k[i], df);
    *n_out = (int)n;
    return y;
}

/* rq(v, f, E): v * 2^-f into entry E (its rounding, then its overflow mode; counted) */
static int64_t rq(ctx_t *c, i128 v, int f, int e, int count) {
    const posisp_drv_fmt_t *q = &posisp_drv_fmt[e];
    const int sh = q->f - f, w = q->w;
    i128 t, hi, lo;
    int big = 0, ovf = 0;
    u128 low = 0; /* t mod 2^128 when big */
    hi = q->s ? (ONE128 << (w - 1)) - 1 : (ONE128 << w) - 1;
    lo = q->s ? -(ONE128 << (w - 1)) : 0;
    if (sh >= 0) {
        u128 mag = v < 0 ? (u128)(-v) : (u128)v;
        if (v != 0 && bitlen(mag) + sh > 126) {
            big = v < 0 ? -1 : 1;
            low = sh >= 128 ? 0 : (u128)v << sh;
            t = 0;
        } else {
            t = SHL(v, sh);
        }
    } else {
        const int s = -sh;
        int cmp, nz; /* remainder v - floor * 2^s against half: -1 below, 0 tie, 1 above; nz: not exact */
        i128 fl;
        if (s <= 126) {
            u128 rem = (u128)v & (((u128)1 << s) - 1), half = (u128)1 << (s - 1);
            fl = v >> s;
            nz = rem != 0;
            cmp = rem > half ? 1 : rem < half ? -1 : 0;
        } else { /* |v| < 2^126 <= 2^(s-1) */
            fl = v < 0 ? -1 : 0;
            nz = v != 0;
            cmp = v < 0 ? 1 : -1;
        }
        t = fl;
        if (nz) {
            switch (q->rnd) {
            case POSISP_DRV_RND_TRN: break;
            case POSISP_DRV_RND_TRN_ZERO: if (v < 0) t = fl + 1; break;
            default:
                if (cmp > 0) t = fl + 1;
                else if (cmp == 0) {
                    switch (q->rnd) {
                    case POSISP_DRV_RND_RND: t = fl + 1; break;
                    case POSISP_DRV_RND_RND_ZERO: if (v < 0) t = fl + 1; break;
                    case POSISP_DRV_RND_RND_MIN_INF: break;
                    case POSISP_DRV_RND_RND_INF: if (v >= 0) t = fl + 1; break;
                    default: if (fl & 1) t = fl + 1; break; /* RND_CONV */
                    }
                }
            }
        }
    }
    if (q->ovf == POSISP_DRV_OVF_WRAP) {
        if (big || t < lo || t > hi) {
            u128 u = (big ? low : (u128)t) & (((u128)1 << w) - 1);
            ovf = 1;
            t = (i128)u;
            if (q->s && u >= ((u128)1 << (w - 1))) t -= ONE128 << w;
        }
    } else {
        if (q->ovf == POSISP_DRV_OVF_SAT_SYM && q->s && w > 1) lo = -hi;
        if (big > 0 || (!big && t > hi)) { t = q->ovf == POSISP_DRV_OVF_SAT_ZERO ? 0 : hi; ovf = 1; }
        else if (big < 0 || t < lo) { t = q->ovf == POSISP_DRV_OVF_SAT_ZERO ? 0 : lo; ovf = 1; }
    }
    if (ovf && count) c->out->overflows[e] += 1;
    return (int64_t)t;
}

/* y * 2^(n - DF) into entry e */
static int64_t pow_value(ctx_t *c, i128 y, int n, int e, int count) {
    return rq(c, y, POSISP_DRV_DF - n, e, count);
}

static void reg(ctx_t *c, int r, i128 v, int f) {
    c->out->regs[r] = rq(c, v, f, posisp_drv_reg_entry[r], 1);
}

const char *posisp_drive_strerror(int code) {
    switch (code) {
    case POSISP_DRV_OK: return "ok";
    case POSISP_DRV_ERR_NULL: return "POS-ISP driver: NULL pointer";
    case POSISP_DRV_ERR_RANGE: return "POS-ISP driver: raw parameters must lie in [0, 2^POSISP_DRV_P_F] (driver.p)";
    case POSISP_DRV_ERR_DIV0: return "POS-ISP driver: division by zero";
    case POSISP_DRV_ERR_LOG: return "POS-ISP driver: log2 of a non-positive value";
    default: return "POS-ISP driver: unknown error";
    }
}

int posisp_drive(const uint32_t p[POSISP_DRV_NPARAMS], posisp_driver_out_t *out) {
    const int df = POSISP_DRV_DF, fp = POSISP_DRV_P_F;
    const i128 one = ONE128 << df;
    ctx_t ctx, *c = &ctx;
    i128 y, g, a, a_q, h, ih, e2, s0, w, S, cum, N, m[3], ts[8], sc[3], x_max, eps6 = POSISP_DRV_EPS6,
        eps8 = POSISP_DRV_EPS8;
    int i, j, n;
    if (!p || !out) return POSISP_DRV_ERR_NULL;
    for (i = 0; i < POSISP_DRV_NPARAMS; i++)
        if (p[i] > (1u << fp)) return POSISP_DRV_ERR_RANGE;
    for (i = 0; i < POSISP_DRV_NENTRIES; i++) out->overflows[i] = 0;
    ctx.err = 0;
    ctx.out = out;
#define MP(k, lo, hi) ((lo) + shr(((hi) - (lo)) * (i128)p[k], fp))
    /* exposure */
    y = exp2q(MP(POSISP_DRV_P_EXPOSURE, -cq(c, 7, 2), cq(c, 7, 2)), &n);
    out->regs[POSISP_DRV_REG_EXPOSURE_GAIN] = pow_value(c, y, n, POSISP_DRV_E_EXPOSURE_GAIN, 1);
    /* gamma */
    g = MP(POSISP_DRV_P_GAMMA, cq(c, 1, 3), 3 * one);
    {
        const posisp_drv_fmt_t *fx = &posisp_drv_fmt[POSISP_DRV_E_CHAIN_X];
        x_max = fx->s ? (ONE128 << (fx->w - 1)) - 1 : (ONE128 << fx->w) - 1;
        for (i = 0; i < POSISP_DRV_GAMMA_N; i++) {
            i128 b = posisp_drv_gamma_b[i], v = df >= fx->f ? SHL(b, df - fx->f) : b >> (fx->f - df);
            if (v < eps6) v = eps6;
            y = exp2q(shr(g * log2q(c, v, df), df), &n);
            out->gamma[i] = pow_value(c, y, n, POSISP_DRV_E_CHAIN_X, b <= x_max);
        }
    }
    /* ccm */
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++) m[j] = MP(POSISP_DRV_P_CCM + 3 * i + j, -2 * one, 2 * one);
        S = m[0] + m[1] + m[2] + eps8;
        for (j = 0; j < 3; j++) reg(c, POSISP_DRV_REG_CCM_M0 + 3 * i + j, dv(c, m[j] * one, S), df);
    }
    /* sharpen */
    a = MP(POSISP_DRV_P_SHARPEN, cq(c, 1, 100000), 10 * one);
    reg(c, POSISP_DRV_REG_SHARPEN_A, a, df);
    a_q = shr(out->regs[POSISP_DRV_REG_SHARPEN_A], posisp_drv_fmt[POSISP_DRV_E_SHARPEN_A].f - df);
    reg(c, POSISP_DRV_REG_SHARPEN_C, dv(c, one - a_q, 13), df);
    /* denoise */
    h = MP(POSISP_DRV_P_DENOISE, cq(c, 1, 100000), one);
    ih = dv(c, ONE128 << (2 * df), h + eps8);
    {
        const int sqf = df + POSISP_DRV_SQRT_EXTRA, fw = posisp_drv_fmt[POSISP_DRV_E_DENOISE_W].f;
        e2 = dv(c, ONE128 << (2 * sqf), 100000000);
        s0 = isqrt((u128)e2);
        for (i = 0; i < POSISP_DRV_DENOISE_N; i++) {
            i128 sq = isqrt((u128)(shr(posisp_drv_denoise_b[i], POSISP_DRV_D_F - 2 * sqf) + e2));
            i128 t = shr((sq - s0) * ih, sqf), e = -shr(t * (i128)POSISP_DRV_LOG2E, df);
            if (e < -SHL(fw + 2, df)) {
                out->denoise[i] = 0;
            } else {
                y = exp2q(e, &n);
                out->denoise[i] = pow_value(c, y, n, POSISP_DRV_E_DENOISE_W, 1);
            }
        }
    }
    /* tone */
    S = 0;
    for (i = 0; i < 8; i++) {
        ts[i] = MP(POSISP_DRV_P_TONE + i, cq(c, 1, 2), 2 * one);
        S += ts[i];
    }
    cum = 0;
    for (i = 0; i < 8; i++) {
        reg(c, POSISP_DRV_REG_TONE_SLOPE0 + i, dv(c, 8 * ts[i] * one, S), df);
        reg(c, POSISP_DRV_REG_TONE_OFFSET0 + i, dv(c, cum * one, S), df);
        cum += ts[i];
    }
    /* contrast */
    w = MP(POSISP_DRV_P_CONTRAST, -one, one);
    {
        const int fk = posisp_drv_fmt[POSISP_DRV_E_CONTRAST_K].f;
        const i128 one_k = ONE128 << fk;
        for (i = 0; i < POSISP_DRV_CONTRAST_N; i++)
            out->contrast[i] = rq(c, one_k * one + w * ((i128)posisp_drv_contrast_g[i] - one_k), df + fk,
                                  POSISP_DRV_E_CONTRAST_K, 1);
    }
    /* saturation, wnb */
    reg(c, POSISP_DRV_REG_SAT_A, p[POSISP_DRV_P_SATURATION], fp);
    reg(c, POSISP_DRV_REG_WNB_A, p[POSISP_DRV_P_WNB], fp);
    /* wb */
    for (i = 0; i < 3; i++) sc[i] = MP(POSISP_DRV_P_WB + i, cq(c, 10, 11), cq(c, 11, 10));
    N = eps6 + dv(c, 27 * sc[0] + 67 * sc[1] + 6 * sc[2], 100);
    for (i = 0; i < 3; i++) reg(c, POSISP_DRV_REG_WB_GAIN0 + i, dv(c, sc[i] * one, N), df);
#undef MP
    return ctx.err;
}
