module github.com/imdesk/imdesk/e2e

go 1.26.0

require (
	github.com/imdesk/imdesk v0.0.0
	github.com/maxence-charriere/go-app/v10 v10.1.11
	github.com/mxschmitt/playwright-go v0.6100.0
)

require (
	github.com/deckarep/golang-set/v2 v2.8.0 // indirect
	github.com/go-jose/go-jose/v3 v3.0.5 // indirect
	github.com/go-stack/stack v1.8.1 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/tencentyun/tls-sig-api-v2-golang v1.4.0 // indirect
)

replace github.com/imdesk/imdesk => ../
