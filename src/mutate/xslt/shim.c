/*
 * The one piece of the XSLT binding that Rust cannot write: libxml2 and libxslt report errors
 * through printf-style callbacks (`void (*)(void *ctx, const char *fmt, ...)`), and stable
 * Rust cannot define a C variadic function. This formats each message and hands the text to
 * the sink registered as the callback's context.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* The start of the sink the Rust side registers as the error context. */
struct heat_xslt_sink {
    void (*push)(struct heat_xslt_sink *sink, const char *text, size_t len);
};

void heat_xslt_error(void *ctx, const char *fmt, ...)
{
    struct heat_xslt_sink *sink = (struct heat_xslt_sink *)ctx;
    char small[1024];
    char *big;
    va_list ap;
    int n;

    if (sink == NULL || fmt == NULL)
        return;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sink->push(sink, small, (size_t)n);
        return;
    }
    big = (char *)malloc((size_t)n + 1);
    if (big == NULL) {
        sink->push(sink, small, sizeof small - 1);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sink->push(sink, big, (size_t)n);
    free(big);
}
