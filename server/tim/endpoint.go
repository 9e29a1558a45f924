package tim

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// Regions maps data-centre names to the domain of Tencent Cloud Chat's REST
// API there (spec §0.1).
var Regions = map[string]string{
	"china":         "console.tim.qq.com",
	"singapore":     "adminapisgp.im.qcloud.com",
	"seoul":         "adminapikr.im.qcloud.com",
	"tokyo":         "adminapijpn.im.qcloud.com",
	"frankfurt":     "adminapiger.im.qcloud.com",
	"siliconvalley": "adminapiusa.im.qcloud.com",
	"jakarta":       "adminapiidn.im.qcloud.com",
}

// RegionNames lists the names Regions accepts, sorted.
func RegionNames() []string {
	names := make([]string, 0, len(Regions))
	for n := range Regions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// RegionURL returns the base URL of a region, or an error naming the
// accepted regions.
func RegionURL(region string) (string, error) {
	domain, ok := Regions[strings.ToLower(region)]
	if !ok {
		return "", fmt.Errorf("%q is not one of %s", region, strings.Join(RegionNames(), ", "))
	}
	return "https://" + domain, nil
}

// CheckBaseURL accepts an absolute https URL anywhere and plain http only on
// a loopback address, so the admin signature never crosses a network in
// clear text. It returns the URL without a trailing slash.
func CheckBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute URL such as https://adminapisgp.im.qcloud.com", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q must be a base URL without user, query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("%q uses plain http, which is allowed only for a loopback address; use https", raw)
		}
	default:
		return "", fmt.Errorf("%q must start with https://", raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
