package web

import (
	"net/url"
	"strconv"
)

// pager links the pages of a long list.
type pager struct {
	Page, Pages, Total, From, To int
	Prev, Next                   string // links, "" at the ends
}

func newPager(u *url.URL, total, page, size int) pager {
	p := pager{Page: page, Total: total, Pages: max(1, (total+size-1)/size)}
	if total > 0 {
		p.From, p.To = (page-1)*size+1, min(page*size, total)
	}
	link := func(n int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		q.Del("ok")
		return u.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}
