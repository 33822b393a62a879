// Package selfcheck looks at a running ekinerja from the outside, the way a
// visitor and a search engine do, to catch the defacement that hit the
// previous system: gambling spam injected into pages, shown only to
// Googlebot (cloaking) and linking out to gambling sites. It is meant for
// cron on another host; it needs no database and no secret.
package selfcheck

import (
	"context"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"
)

// User agents the pages are fetched as.
const (
	BrowserUA   = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
	GooglebotUA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	MobileUA    = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"
	// GoogleReferer is what a visitor coming from a search result sends;
	// spam is often shown only to them.
	GoogleReferer = "https://www.google.com/"
)

// variants are the visitors a page is compared for, besides a plain
// desktop browser: spam is shown to Googlebot, to visitors from a Google
// search, or to phones only.
var variants = []struct{ who, ua, referer string }{
	{"Googlebot", GooglebotUA, ""},
	{"pengunjung dari Google", BrowserUA, GoogleReferer},
	{"ponsel", MobileUA, ""},
}

// NotFoundPath is a path no site has: its 404 page is checked too (spam is
// planted in error templates).
const NotFoundPath = "/ekinerja-selfcheck-tidak-ada"

// DefaultPaths are the public pages checked when none are given.
var DefaultPaths = []string{"/", "/masuk"}

// spamWords are the words of Indonesian online-gambling SEO spam.
var spamWords = regexp.MustCompile(`(?i)\b(slot\w*|gacor|togel|judi|judol|mpo ?\d+|maxwin|casino|kasino|poker|sbobet|jackpot|scatter|pragmatic ?play|zeus|bandar ?(bola|togel|judi)|rtp ?live|situs ?(slot|judi|togel)|toto ?(gelap|macau|sgp|hk)|mahjong ?ways|bet ?\d+|deposit ?pulsa)\b`)

// csrfValue and requestIDs differ on every fetch and are not cloaking.
var volatile = regexp.MustCompile(`name="csrf_token" value="[^"]*"`)

// Finding is one problem found.
type Finding struct {
	Path   string
	Kind   string // "cloaking", "spam", "outbound", "fetch"
	Detail string
}

func (f Finding) String() string { return fmt.Sprintf("%s [%s] %s", f.Path, f.Kind, f.Detail) }

// Options tune a run.
type Options struct {
	Paths      []string
	AllowHosts []string // hosts links may point to besides the checked site
	Client     *http.Client
}

type fetched struct {
	status int
	body   string
	final  string
}

func fetch(ctx context.Context, c *http.Client, u, ua string, referer ...string) (fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fetched{}, err
	}
	req.Header.Set("User-Agent", ua)
	for _, r := range referer {
		if r != "" {
			req.Header.Set("Referer", r)
		}
	}
	req.Header.Set("Accept", "text/html")
	res, err := c.Do(req)
	if err != nil {
		return fetched{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return fetched{}, err
	}
	return fetched{status: res.StatusCode, body: string(b), final: res.Request.URL.String()}, nil
}

// Run checks every path of base and returns the findings (none: all clean).
func Run(ctx context.Context, base string, o Options) ([]Finding, error) {
	bu, err := url.Parse(base)
	if err != nil || bu.Host == "" {
		return nil, fmt.Errorf("alamat tidak sah: %q", base)
	}
	c := o.Client
	if c == nil {
		c = &http.Client{}
	}
	paths := o.Paths
	if len(paths) == 0 {
		paths = DefaultPaths
	}
	paths = append(append([]string{}, paths...), NotFoundPath)
	allowed := map[string]bool{strings.ToLower(bu.Hostname()): true}
	for _, h := range o.AllowHosts {
		allowed[strings.ToLower(h)] = true
	}
	var out []Finding
	for _, p := range paths {
		u := bu.ResolveReference(&url.URL{Path: p}).String()
		browser, err := fetch(ctx, c, u, BrowserUA)
		if err != nil {
			out = append(out, Finding{Path: p, Kind: "fetch", Detail: err.Error()})
			continue
		}
		type seen struct {
			who string
			f   fetched
		}
		all := []seen{{"peramban", browser}}
		for _, v := range variants {
			f, err := fetch(ctx, c, u, v.ua, v.referer)
			if err != nil {
				out = append(out, Finding{Path: p, Kind: "fetch", Detail: v.who + ": " + err.Error()})
				continue
			}
			if browser.status != f.status || browser.final != f.final ||
				volatile.ReplaceAllString(browser.body, "") != volatile.ReplaceAllString(f.body, "") {
				out = append(out, Finding{Path: p, Kind: "cloaking", Detail: fmt.Sprintf("halaman untuk %s berbeda dari untuk peramban (status %d/%d, %d/%d bita)",
					v.who, browser.status, f.status, len(browser.body), len(f.body))})
			}
			all = append(all, seen{v.who, f})
		}
		for _, v := range all {
			if words := uniq(spamWords.FindAllString(Skeleton(v.f.body), -1)); len(words) > 0 {
				out = append(out, Finding{Path: p, Kind: "spam", Detail: v.who + ": kata judi daring: " + strings.Join(words, ", ")})
			}
			for _, link := range outbound(v.f.body, bu, allowed) {
				out = append(out, Finding{Path: p, Kind: "outbound", Detail: v.who + ": tautan keluar tidak diizinkan: " + link})
			}
		}
	}
	return out, nil
}

func uniq(ws []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		w = strings.ToLower(w)
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// cssURL finds url(...) in CSS (style attributes and <style> elements).
var cssURL = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)`)

// outbound lists the URLs in body's links, sources (also srcset), SVG
// xlink:href, CSS url(), forms and refreshes whose host is not allowed.
func outbound(body string, base *url.URL, allowed map[string]bool) []string {
	var out []string
	check := func(v string) {
		u, err := base.Parse(strings.TrimSpace(v))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		if !allowed[strings.ToLower(u.Hostname())] {
			out = append(out, u.String())
		}
	}
	z := html.NewTokenizer(strings.NewReader(body))
	inStyle := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return uniq(out)
		case html.TextToken:
			if inStyle {
				for _, m := range cssURL.FindAllStringSubmatch(string(z.Text()), -1) {
					check(m[1])
				}
			}
			continue
		case html.EndTagToken:
			inStyle = false
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		t := z.Token()
		inStyle = tt == html.StartTagToken && t.Data == "style"
		for _, a := range t.Attr {
			v := strings.TrimSpace(a.Val)
			key := strings.ToLower(a.Key)
			if a.Namespace != "" {
				key = strings.ToLower(a.Namespace) + ":" + key
			}
			switch {
			case key == "href", key == "src", key == "action", key == "formaction", key == "data", key == "poster",
				strings.HasSuffix(key, ":href"), key == "background", key == "cite":
				check(v)
			case key == "srcset", key == "imagesrcset":
				for _, cand := range strings.Split(v, ",") {
					if f := strings.Fields(cand); len(f) > 0 {
						check(f[0])
					}
				}
			case key == "style":
				for _, m := range cssURL.FindAllStringSubmatch(v, -1) {
					check(m[1])
				}
			case key == "content":
				if _, after, ok := strings.Cut(strings.ToLower(v), "url="); ok {
					check(strings.Trim(after, `'" `))
				}
			}
		}
	}
}

// confusables maps the Cyrillic and Greek letters spam uses to look Latin
// ("ѕlоt gаcоr") onto the Latin letter (a small skeleton in the sense of
// Unicode TR39, for the letters of gambling words).
var confusables = strings.NewReplacer(
	"а", "a", "в", "b", "с", "c", "е", "e", "һ", "h", "і", "i", "ј", "j", "к", "k", "м", "m", "н", "h", "о", "o", "р", "p",
	"ѕ", "s", "т", "t", "у", "y", "х", "x", "ԁ", "d", "ɡ", "g", "ӏ", "l", "ո", "n", "г", "r",
	"А", "A", "В", "B", "С", "C", "Е", "E", "Н", "H", "І", "I", "Ј", "J", "К", "K", "М", "M", "О", "O", "Р", "P", "Ѕ", "S", "Т", "T", "Х", "X", "У", "Y",
	"α", "a", "ο", "o", "ρ", "p", "τ", "t", "ν", "v", "ι", "i", "κ", "k", "Α", "A", "Β", "B", "Ε", "E", "Ζ", "Z", "Η", "H", "Ι", "I", "Κ", "K",
	"Μ", "M", "Ν", "N", "Ο", "O", "Ρ", "P", "Τ", "T", "Υ", "Y", "Χ", "X",
	"\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\u00ad", "")

// leet undoes digit and symbol swaps inside words ("s1ot g4c0r").
var leetWord = regexp.MustCompile(`[\pL0-9@$]*[\pL][\pL0-9@$]*`)
var leet = strings.NewReplacer("0", "o", "1", "l", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")

// Skeleton returns text as the spam filter reads it: NFKC (full-width and
// styled letters to plain ones), look-alike letters to Latin, and
// leetspeak undone in words that have a letter; the original text is kept
// too, so digits that matter ("MPO500") still match.
func Skeleton(text string) string {
	t := confusables.Replace(norm.NFKC.String(text))
	undone := leetWord.ReplaceAllStringFunc(t, func(w string) string {
		if strings.IndexFunc(w, func(r rune) bool { return r >= '0' && r <= '9' || r == '@' || r == '$' }) < 0 {
			return w
		}
		return w + " " + leet.Replace(w)
	})
	// "1" is read both as l (s1ot) and i (jud1)
	return undone + " " + strings.ReplaceAll(undone, "1", "i")
}
