package server

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
	swaggerFiles "github.com/swaggo/files/v2"

	contracts "github.com/chatapi/chatapi"
)

// registerDocs serves the contracts as written, Swagger UI on openapi.yaml and
// the generated HTML reference of asyncapi.yaml. limit bounds request bodies
// here as on every operation (openapi.yaml documents the 413).
func registerDocs(e *echo.Echo, limit echo.MiddlewareFunc) {
	e.GET("/openapi.yaml", serveYAML(contracts.OpenAPI), limit)
	e.GET("/asyncapi.yaml", serveYAML(contracts.AsyncAPI), limit)

	ui := echoSwagger.EchoWrapHandler(func(c *echoSwagger.Config) {
		c.URLs = []string{"/openapi.yaml"}
	}, echoSwagger.PersistAuthorization(true))
	e.GET("/docs/realtime", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, "/docs/realtime/")
	}, limit)
	e.GET("/docs/realtime/", func(c echo.Context) error {
		return c.HTMLBlob(http.StatusOK, contracts.AsyncAPIHTML)
	}, limit)
	e.GET("/docs", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/docs/") }, limit)
	e.GET("/docs/", func(c echo.Context) error {
		c.Request().RequestURI = "/docs/index.html"
		return ui(c)
	}, limit)
	e.GET("/docs/*", func(c echo.Context) error {
		name := c.Param("*")
		if name != "index.html" {
			if _, err := fs.Stat(swaggerFiles.FS, strings.TrimPrefix(name, "/")); err != nil {
				return echo.ErrNotFound
			}
		}
		return ui(c)
	}, limit)
}

func serveYAML(doc []byte) echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", doc)
	}
}
