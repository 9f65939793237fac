/*
 * The pieces of the XSLT binding that Rust cannot write, or should not:
 * - libxml2 and libxslt report errors through printf-style callbacks
 *   (`void (*)(void *ctx, const char *fmt, ...)`), and stable Rust cannot define a C variadic
 *   function: `heat_xslt_error` formats each message and hands the text to the sink
 *   registered as the callback's context;
 * - a transform is stopped by setting its context's state to XSLT_STATE_STOPPED, which
 *   libxslt checks as it goes (its CHECK_STOPPED macros); the context's layout is known here,
 *   from libxslt's own headers, and not on the Rust side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxslt/xsltInternals.h>

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

/*
 * Asks the running transform of `ctxt` to stop. Called from another thread than the one
 * running it: the state is a plain int that libxslt reads between steps, written once here.
 */
void heat_xslt_stop(void *ctxt)
{
    if (ctxt != NULL)
        *(volatile xsltTransformState *)&((xsltTransformContextPtr)ctxt)->state = XSLT_STATE_STOPPED;
}
