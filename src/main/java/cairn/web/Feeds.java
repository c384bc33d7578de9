package cairn.web;

import java.util.List;

import cairn.vcs.History;
import cairn.vcs.Repo;

/** RSS 2.0 and Atom feeds of a repository's latest changes; every text is XML-escaped. */
final class Feeds {
    private Feeds() {
    }

    static String rss(Repo repo, String link, List<History.Changeset> commits) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>");
        sb.append("<title>").append(x(repo.name())).append(" changes</title><link>").append(x(link))
                .append("</link><description>").append(x(repo.description() == null ? "" : repo.description()))
                .append("</description>");
        for (History.Changeset c : commits) {
            sb.append("<item><title>").append(x(subject(c))).append("</title><link>")
                    .append(x(link + "/changeset/" + c.rawId())).append("</link><guid isPermaLink=\"false\">")
                    .append(c.rawId()).append("</guid><author>").append(x(c.author())).append("</author><pubDate>")
                    .append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                            .format(c.date().atZone(java.time.ZoneOffset.UTC)))
                    .append("</pubDate><description>").append(x(c.message())).append("</description></item>");
        }
        return sb.append("</channel></rss>\n").toString();
    }

    static String atom(Repo repo, String link, List<History.Changeset> commits) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<feed xmlns=\"http://www.w3.org/2005/Atom\">");
        sb.append("<title>").append(x(repo.name())).append(" changes</title><id>").append(x(link))
                .append("</id><link href=\"").append(x(link)).append("\"/><updated>")
                .append(commits.isEmpty() ? repo.updatedOn() : commits.get(0).date()).append("</updated>");
        for (History.Changeset c : commits) {
            sb.append("<entry><title>").append(x(subject(c))).append("</title><id>urn:git:").append(c.rawId())
                    .append("</id><link href=\"").append(x(link + "/changeset/" + c.rawId()))
                    .append("\"/><author><name>").append(x(c.authorName())).append("</name></author><updated>")
                    .append(c.date()).append("</updated><summary>").append(x(c.message()))
                    .append("</summary></entry>");
        }
        return sb.append("</feed>\n").toString();
    }

    private static String subject(History.Changeset c) {
        return c.message().lines().findFirst().orElse(c.shortId());
    }

    private static String x(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (ch >= 0x20 || ch == '\n' || ch == '\t' || ch == '\r') {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }

}
