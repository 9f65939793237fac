//! The few functions of libxml2 and libxslt that `-t` uses, declared by hand: only opaque
//! pointers cross the boundary (no structure layout is relied on), and every function here
//! has had the same signature since libxml2 2.7 and libxslt 1.1.
//!
//! libxml2 and libxslt keep global state (error handlers, parser defaults), so every use goes
//! through [`with_libxslt`], which holds a process-wide lock, installs the error sink and the
//! sandbox, and removes them again.
//!
//! The sandbox: libxslt's security preferences forbid writing files, creating folders, and
//! reading or writing over the network (`xsltSetSecurityPrefs` with `xsltSecurityForbid`, set
//! as the default, which compiling a stylesheet's imports obeys, and on each transform's
//! context with `xsltSetCtxtSecurityPrefs`); libxml2's external entity loader is its
//! `xmlNoNetExternalEntityLoader`, so no DTD or entity is fetched from the network either;
//! and a transform can be stopped from another thread ([`Running::stop`]).

use std::ffi::{c_char, c_int, c_long, c_void, CStr, CString};
use std::path::Path;
use std::sync::{Mutex, Once};

#[repr(C)]
pub(crate) struct XmlDoc {
    _opaque: [u8; 0],
}
#[repr(C)]
pub(crate) struct XsltStylesheet {
    _opaque: [u8; 0],
}
#[repr(C)]
struct XmlBuffer {
    _opaque: [u8; 0],
}
#[repr(C)]
struct XmlSaveCtxt {
    _opaque: [u8; 0],
}
#[repr(C)]
struct XsltSecurityPrefs {
    _opaque: [u8; 0],
}
#[repr(C)]
struct XsltTransformContext {
    _opaque: [u8; 0],
}

/// libxslt's `xsltSecurityCheck`.
type SecurityCheck = unsafe extern "C" fn(
    sec: *mut XsltSecurityPrefs,
    ctxt: *mut XsltTransformContext,
    value: *const c_char,
) -> c_int;
/// libxml2's `xmlExternalEntityLoader`.
type EntityLoader =
    unsafe extern "C" fn(url: *const c_char, id: *const c_char, ctxt: *mut c_void) -> *mut c_void;

/// libxslt's `xsltSecurityOption`s that the sandbox forbids.
const XSLT_SECPREF_WRITE_FILE: c_int = 2;
const XSLT_SECPREF_CREATE_DIRECTORY: c_int = 3;
const XSLT_SECPREF_READ_NETWORK: c_int = 4;
const XSLT_SECPREF_WRITE_NETWORK: c_int = 5;

/// libxml2's `xmlGenericErrorFunc`: `void (*)(void *ctx, const char *msg, ...)`. Only the
/// C shim, which is variadic, is ever passed as one.
type GenericErrorFunc = unsafe extern "C" fn(ctx: *mut c_void, msg: *const c_char, ...);
/// libxml2's `xmlXPathFunction`: `void (*)(xmlXPathParserContextPtr ctxt, int nargs)`.
type XPathFunction = unsafe extern "C" fn(ctxt: *mut c_void, nargs: c_int);
/// libxml2's `xmlStructuredErrorFunc`.
type StructuredErrorFunc = unsafe extern "C" fn(ctx: *mut c_void, error: *const c_void);

/// `XML_PARSE_NONET`: no network access while parsing.
const XML_PARSE_NONET: c_int = 1 << 11;
/// `XML_SAVE_NO_DECL`: no XML declaration.
const XML_SAVE_NO_DECL: c_int = 1 << 1;
/// `XML_SAVE_AS_XML`: XML even for a result libxslt marked as HTML.
const XML_SAVE_AS_XML: c_int = 1 << 5;

extern "C" {
    fn heat_xslt_error(ctx: *mut c_void, msg: *const c_char, ...);
    fn heat_xslt_stop(ctxt: *mut XsltTransformContext);

    fn xsltNewSecurityPrefs() -> *mut XsltSecurityPrefs;
    fn xsltFreeSecurityPrefs(sec: *mut XsltSecurityPrefs);
    fn xsltSetSecurityPrefs(
        sec: *mut XsltSecurityPrefs,
        option: c_int,
        func: Option<SecurityCheck>,
    ) -> c_int;
    fn xsltSecurityForbid(
        sec: *mut XsltSecurityPrefs,
        ctxt: *mut XsltTransformContext,
        value: *const c_char,
    ) -> c_int;
    fn xsltSetDefaultSecurityPrefs(sec: *mut XsltSecurityPrefs);
    fn xsltGetDefaultSecurityPrefs() -> *mut XsltSecurityPrefs;
    fn xsltSetCtxtSecurityPrefs(
        sec: *mut XsltSecurityPrefs,
        ctxt: *mut XsltTransformContext,
    ) -> c_int;
    fn xsltNewTransformContext(
        style: *mut XsltStylesheet,
        doc: *mut XmlDoc,
    ) -> *mut XsltTransformContext;
    fn xsltFreeTransformContext(ctxt: *mut XsltTransformContext);
    fn xsltApplyStylesheetUser(
        style: *mut XsltStylesheet,
        doc: *mut XmlDoc,
        params: *const *const c_char,
        output: *const c_char,
        profile: *mut c_void,
        user: *mut XsltTransformContext,
    ) -> *mut XmlDoc;
    fn xmlSetExternalEntityLoader(f: Option<EntityLoader>);
    fn xmlGetExternalEntityLoader() -> Option<EntityLoader>;
    fn xmlNoNetExternalEntityLoader(
        url: *const c_char,
        id: *const c_char,
        ctxt: *mut c_void,
    ) -> *mut c_void;

    fn xmlReadMemory(
        buffer: *const c_char,
        size: c_int,
        url: *const c_char,
        encoding: *const c_char,
        options: c_int,
    ) -> *mut XmlDoc;
    fn xmlFreeDoc(doc: *mut XmlDoc);
    fn xmlSetGenericErrorFunc(ctx: *mut c_void, handler: Option<GenericErrorFunc>);
    fn xmlSetStructuredErrorFunc(ctx: *mut c_void, handler: Option<StructuredErrorFunc>);
    fn xmlLineNumbersDefault(val: c_int) -> c_int;
    fn xmlBufferCreate() -> *mut XmlBuffer;
    fn xmlBufferFree(buf: *mut XmlBuffer);
    fn xmlBufferContent(buf: *const XmlBuffer) -> *const u8;
    fn xmlBufferLength(buf: *const XmlBuffer) -> c_int;
    fn xmlSaveToBuffer(
        buffer: *mut XmlBuffer,
        encoding: *const c_char,
        options: c_int,
    ) -> *mut XmlSaveCtxt;
    fn xmlSaveDoc(ctxt: *mut XmlSaveCtxt, doc: *mut XmlDoc) -> c_long;
    fn xmlSaveClose(ctxt: *mut XmlSaveCtxt) -> c_int;

    fn xsltParseStylesheetFile(filename: *const u8) -> *mut XsltStylesheet;
    fn xsltFreeStylesheet(style: *mut XsltStylesheet);
    fn xsltSetGenericErrorFunc(ctx: *mut c_void, handler: Option<GenericErrorFunc>);
    fn xsltRegisterExtModuleFunction(
        name: *const u8,
        uri: *const u8,
        function: XPathFunction,
    ) -> c_int;
    fn xsltFunctionNodeSet(ctxt: *mut c_void, nargs: c_int);
}

/// The namespace of .NET's XSLT extensions (`msxsl:`).
const MSXSL: &CStr = c"urn:schemas-microsoft-com:xslt";

/// Makes `msxsl:node-set()`, which stylesheets written for heat's .NET processor use, libxslt's
/// own `node-set()` (registered once, for the whole process).
fn register_msxsl() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: static NUL-terminated names and a function libxslt exports for this use.
        unsafe {
            xsltRegisterExtModuleFunction(
                c"node-set".as_ptr().cast(),
                MSXSL.as_ptr().cast(),
                xsltFunctionNodeSet,
            );
        }
    });
}

/// Where the C shim puts each formatted message. `push` must stay the first field: the shim
/// reads it through its own declaration of this structure.
#[repr(C)]
struct Sink {
    push: unsafe extern "C" fn(sink: *mut Sink, text: *const c_char, len: usize),
    text: String,
}

unsafe extern "C" fn push(sink: *mut Sink, text: *const c_char, len: usize) {
    // SAFETY: the shim passes the sink it was given and `len` bytes it formatted.
    let (sink, bytes) = unsafe {
        (
            &mut *sink,
            std::slice::from_raw_parts(text.cast::<u8>(), len),
        )
    };
    sink.text.push_str(&String::from_utf8_lossy(bytes));
}

static LOCK: Mutex<()> = Mutex::new(());

/// The session in which libxslt may be used; see [`with_libxslt`].
pub(crate) struct Session {
    sink: Box<Sink>,
    /// The sandbox's security preferences, for each transform's context.
    prefs: *mut XsltSecurityPrefs,
}

/// The transform running now, if any, so that another thread can stop it.
#[derive(Clone, Default)]
pub(crate) struct Running {
    /// Its context's address while it runs; whether it was asked to stop.
    state: std::sync::Arc<Mutex<(usize, bool)>>,
}

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, bool)> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks the transform running now, or the next one, to stop: libxslt stops at its next
    /// step (a long XPath evaluation is not interrupted).
    pub(crate) fn stop(&self) {
        let mut state = self.lock();
        state.1 = true;
        if state.0 != 0 {
            // SAFETY: the context is live while its address is held here (see
            // [`Session::apply`], which clears it under this lock before freeing it).
            unsafe { heat_xslt_stop(state.0 as *mut XsltTransformContext) }
        }
    }
}

/// Runs `f` with libxslt, holding the process-wide lock, with every message libxml2 and
/// libxslt report collected (read them with [`Session::take_messages`]).
pub(crate) fn with_libxslt<T>(f: impl FnOnce(&mut Session) -> T) -> T {
    let _guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    register_msxsl();
    // SAFETY: a new preferences object, freed below once no context uses it.
    let prefs = unsafe { xsltNewSecurityPrefs() };
    let mut session = Session {
        sink: Box::new(Sink {
            push,
            text: String::new(),
        }),
        prefs,
    };
    let ctx: *mut Sink = &mut *session.sink;
    // SAFETY: the sink outlives its registration, which is removed below before it is
    // dropped; the lock keeps other threads away from the global handlers meanwhile. The
    // sandbox's preferences and loader are libxslt's and libxml2's own functions.
    let (default_prefs, default_loader) = unsafe {
        xmlLineNumbersDefault(1);
        xmlSetStructuredErrorFunc(std::ptr::null_mut(), None);
        xmlSetGenericErrorFunc(ctx.cast(), Some(heat_xslt_error));
        xsltSetGenericErrorFunc(ctx.cast(), Some(heat_xslt_error));
        if !prefs.is_null() {
            for option in [
                XSLT_SECPREF_WRITE_FILE,
                XSLT_SECPREF_CREATE_DIRECTORY,
                XSLT_SECPREF_READ_NETWORK,
                XSLT_SECPREF_WRITE_NETWORK,
            ] {
                xsltSetSecurityPrefs(prefs, option, Some(xsltSecurityForbid));
            }
        }
        let default_prefs = xsltGetDefaultSecurityPrefs();
        xsltSetDefaultSecurityPrefs(prefs);
        let default_loader = xmlGetExternalEntityLoader();
        xmlSetExternalEntityLoader(Some(xmlNoNetExternalEntityLoader));
        (default_prefs, default_loader)
    };
    let result = f(&mut session);
    // SAFETY: back to libxml2's and libxslt's own handlers and defaults; no context uses the
    // preferences any more.
    unsafe {
        xmlSetExternalEntityLoader(default_loader);
        xsltSetDefaultSecurityPrefs(default_prefs);
        if !prefs.is_null() {
            xsltFreeSecurityPrefs(prefs);
        }
        xsltSetGenericErrorFunc(std::ptr::null_mut(), None);
        xmlSetGenericErrorFunc(std::ptr::null_mut(), None);
    }
    result
}

/// An owned libxml2 document.
pub(crate) struct Doc(*mut XmlDoc);

impl Drop for Doc {
    fn drop(&mut self) {
        // SAFETY: the pointer came from libxml2 or libxslt and is freed once.
        unsafe { xmlFreeDoc(self.0) }
    }
}

/// An owned, compiled stylesheet.
pub(crate) struct Stylesheet(*mut XsltStylesheet);

impl Drop for Stylesheet {
    fn drop(&mut self) {
        // SAFETY: the pointer came from xsltParseStylesheetFile and is freed once.
        unsafe { xsltFreeStylesheet(self.0) }
    }
}

impl Session {
    /// The messages reported since the last call.
    pub(crate) fn take_messages(&mut self) -> String {
        std::mem::take(&mut self.sink.text)
    }

    /// Compiles the stylesheet at `path`; `None` when libxslt reported it could not.
    pub(crate) fn stylesheet(&mut self, path: &Path) -> Option<Stylesheet> {
        let name = CString::new(path.to_string_lossy().as_bytes()).ok()?;
        // SAFETY: a NUL-terminated file name; the result is owned by the wrapper.
        let p = unsafe { xsltParseStylesheetFile(name.as_ptr().cast()) };
        (!p.is_null()).then_some(Stylesheet(p))
    }

    /// Parses `xml` (with `url` as its name in messages).
    pub(crate) fn parse(&mut self, xml: &str, url: &str) -> Option<Doc> {
        let len = c_int::try_from(xml.len()).ok()?;
        let url = CString::new(url).ok()?;
        // SAFETY: `len` bytes of UTF-8; libxml2 copies what it keeps.
        let p = unsafe {
            xmlReadMemory(
                xml.as_ptr().cast(),
                len,
                url.as_ptr(),
                c"UTF-8".as_ptr(),
                XML_PARSE_NONET,
            )
        };
        (!p.is_null()).then_some(Doc(p))
    }

    /// Applies `style` to `doc` in the sandbox, stoppable through `running`; `None` when
    /// libxslt reported an error or was stopped (it then gives no result at all).
    pub(crate) fn apply(
        &mut self,
        style: &Stylesheet,
        doc: &Doc,
        running: &Running,
    ) -> Option<Doc> {
        if self.prefs.is_null() {
            // No sandbox, no transform.
            return None;
        }
        // SAFETY: both pointers are live; the context is made, used and freed here, and its
        // address is shared with `running` only while it is live.
        unsafe {
            let ctxt = xsltNewTransformContext(style.0, doc.0);
            if ctxt.is_null() {
                return None;
            }
            if xsltSetCtxtSecurityPrefs(self.prefs, ctxt) != 0 {
                xsltFreeTransformContext(ctxt);
                return None;
            }
            let stopped = {
                let mut state = running.lock();
                state.0 = ctxt as usize;
                state.1
            };
            let p = if stopped {
                std::ptr::null_mut()
            } else {
                xsltApplyStylesheetUser(
                    style.0,
                    doc.0,
                    std::ptr::null(),
                    std::ptr::null(),
                    std::ptr::null_mut(),
                    ctxt,
                )
            };
            running.lock().0 = 0;
            xsltFreeTransformContext(ctxt);
            (!p.is_null()).then_some(Doc(p))
        }
    }

    /// The result tree as XML text: UTF-8, no declaration, nothing added (no indentation),
    /// whatever `xsl:output` says (heat's writer ignores it too).
    pub(crate) fn serialize(&mut self, doc: &Doc) -> Option<String> {
        // SAFETY: the buffer and the save context are created, used and freed here, and the
        // buffer's bytes are copied out before it is freed.
        unsafe {
            let buf = xmlBufferCreate();
            if buf.is_null() {
                return None;
            }
            let save = xmlSaveToBuffer(buf, c"UTF-8".as_ptr(), XML_SAVE_NO_DECL | XML_SAVE_AS_XML);
            if save.is_null() {
                xmlBufferFree(buf);
                return None;
            }
            let written = xmlSaveDoc(save, doc.0);
            xmlSaveClose(save);
            let len = usize::try_from(xmlBufferLength(buf)).unwrap_or(0);
            let content = xmlBufferContent(buf);
            let text = if written < 0 || content.is_null() {
                None
            } else {
                Some(String::from_utf8_lossy(std::slice::from_raw_parts(content, len)).into_owned())
            };
            xmlBufferFree(buf);
            text
        }
    }
}
