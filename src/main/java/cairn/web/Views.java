package cairn.web;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletResponse;

import freemarker.core.HTMLOutputFormat;
import freemarker.ext.jakarta.servlet.WebappTemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

/** Freemarker templates under WEB-INF/templates, HTML-escaped by default. */
public final class Views {
    private final Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);

    public Views(ServletContext context) {
        cfg.setTemplateLoader(new WebappTemplateLoader(context, "/WEB-INF/templates"));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputFormat(HTMLOutputFormat.INSTANCE);
        cfg.setAutoEscapingPolicy(Configuration.ENABLE_IF_SUPPORTED_AUTO_ESCAPING_POLICY);
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
    }

    public void render(HttpServletResponse resp, String template, Map<String, Object> model) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        resp.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; object-src 'none'; "
                + "base-uri 'none'; frame-ancestors 'none'");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        try {
            Writer out = resp.getWriter();
            cfg.getTemplate(template).process(model, out);
        } catch (TemplateException e) {
            throw new IOException("template " + template + " failed", e);
        }
    }
}
