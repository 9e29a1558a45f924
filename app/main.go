// Command imdesk is the admin panel for Tencent Cloud Chat. The same program
// is the go-app user interface compiled to WebAssembly, running in the
// browser, and the backend-for-frontend server that serves it (see
// main_server.go, built for every target but wasm, and server/cli).
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

func main() {
	startingUp()
	registerRoutes()
	// In the browser this never returns; on the server it does nothing.
	app.RunWhenOnBrowser()
	serverMain()
}
