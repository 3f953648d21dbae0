package sourcefn

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
	"github.com/tabot-functions/tabot/shared/push/pushtest"
)

// TestFinalPushAfterCandleInHand: a shutdown that begins while a window
// is being posted finishes that candle (delivered, acknowledged) and
// drains NATS before the final metrics push, which therefore counts it,
// under job tabot-candle-source.
func TestFinalPushAfterCandleInHand(t *testing.T) {
	srv := natstest.Start(t)
	gw := pushtest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	target.setAnswer(func(string, int) int {
		entered <- struct{}{}
		<-release
		return http.StatusOK
	})
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.PushgatewayURL, cfg.PushInterval = gw, time.Hour
	src := start(t, cfg)

	pub.candle(t0, 100)
	<-entered
	stopped := make(chan struct{})
	go func() {
		src.stop()
		close(stopped)
	}()
	natstest.Eventually(t, 5*time.Second, "the HTTP server never stopped",
		func() bool {
			resp, err := http.Get(src.url + "/live")
			if err == nil {
				resp.Body.Close()
			}
			return err != nil
		})
	if v := gatewayValue(t, gw, "ta_bot_window_deliveries_total",
		"delivered"); v != -1 {
		t.Errorf("pushed before the candle in hand finished: "+
			"deliveries{delivered} = %v", v)
	}
	close(release)
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}

	if got := gatewayValue(t, gw, "ta_bot_window_deliveries_total",
		"delivered"); got != 1 {
		t.Errorf("pushed ta_bot_window_deliveries_total{result=delivered}"+
			" = %v, want 1: the final push came before the candle "+
			"in hand was done", got)
	}
	settled(t, srv) // acknowledged before the drain
}

// gatewayValue returns the counter name with the given result label in
// the group of job tabot-candle-source and this host, -1 when absent.
func gatewayValue(t testing.TB, gw, name, result string) float64 {
	t.Helper()
	host, _ := os.Hostname()
	return pushtest.Value(pushtest.Scrape(t, gw), name, map[string]string{
		"job": Name, "instance": host, "result": result})
}
