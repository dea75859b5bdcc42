// Command healthcheck is the container health check of TrackGraph's collector images. The runtime image
// is distroless (no shell, no curl), and infra's ECS task definitions run ["/healthcheck"] in the
// container, so the check is this static program: it asks the collector's health_check extension on
// 127.0.0.1:$HEALTH_PORT (13133 by default) and exits 0 on HTTP 200, 1 otherwise.
//
// Standard library only, so the image build compiles it without downloading anything more.
package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"
)

const defaultPort = "13133"

// ECS and Docker give the command 5 s; answering within 2 s leaves room for the process to start and exit.
const timeout = 2 * time.Second

func main() {
	if err := check(os.Getenv("HEALTH_PORT")); err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		os.Exit(1)
	}
}

func check(port string) error {
	if port == "" {
		port = defaultPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("HEALTH_PORT %q is not a TCP port", port)
	}
	url := "http://127.0.0.1:" + port + "/"
	client := &http.Client{
		Timeout: timeout,
		// The extension answers on loopback: no proxy from the environment may stand in between.
		Transport: &http.Transport{Proxy: nil},
		// A redirect is not the extension's answer; judge the first response.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	response, err := client.Get(url)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return errors.New(url + " answered " + response.Status)
	}
	return nil
}
