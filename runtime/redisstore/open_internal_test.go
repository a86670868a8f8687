package redisstore

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The URL forms make the client they document, with callflow's timeouts
// and retries where the URL sets none, and the password from WithPassword
// over the URL's.
func TestURLForms(t *testing.T) {
	cfg := &config{timeout: DefaultTimeout, password: "from-env"}

	c, err := newClient("rediss://u:url-pass@cache.example:6380/3", cfg)
	if err != nil {
		t.Fatal(err)
	}
	o := c.(*redis.Client).Options()
	if o.Addr != "cache.example:6380" || o.DB != 3 || o.Username != "u" || o.Password != "from-env" || o.TLSConfig == nil {
		t.Errorf("rediss: %+v", o)
	}
	if o.DialTimeout != DefaultTimeout || o.ReadTimeout != DefaultTimeout || o.WriteTimeout != DefaultTimeout || o.PoolTimeout != DefaultTimeout {
		t.Errorf("timeouts dial %s read %s write %s pool %s, want %s", o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout, DefaultTimeout)
	}
	if o.MaxRetries != DefaultMaxRetries || o.DialerRetries != 1 || !o.ContextTimeoutEnabled {
		t.Errorf("retries %d, dial attempts %d, context deadlines %v", o.MaxRetries, o.DialerRetries, o.ContextTimeoutEnabled)
	}
	c.Close()

	c, _ = newClient("redis://h:1/0?read_timeout=1s&max_retries=-1", &config{timeout: DefaultTimeout})
	if o := c.(*redis.Client).Options(); o.ReadTimeout != time.Second || o.MaxRetries != 0 {
		t.Errorf("the URL's options: read %s, retries %d", o.ReadTimeout, o.MaxRetries)
	}
	c.Close()

	c, err = newClient("redis+sentinel://:s-pass@s1:26379/2?master_name=main&addr=s2:26379", &config{timeout: DefaultTimeout})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(*redis.Client); !ok {
		t.Errorf("sentinel: %T, want the failover *redis.Client", c)
	}
	c.Close()

	c, err = newClient("redis+cluster://n1:7000?addr=n2:7000&addr=n3:7000", &config{timeout: DefaultTimeout, password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	co := c.(*redis.ClusterClient).Options()
	if strings.Join(co.Addrs, ",") != "n1:7000,n2:7000,n3:7000" || co.Password != "p" || co.ReadTimeout != DefaultTimeout || co.MaxRetries != DefaultMaxRetries {
		t.Errorf("cluster: %+v", co)
	}
	c.Close()

	for url, want := range map[string]string{
		"redis+sentinel://s1:26379/0":    "master_name=NAME",
		"redis://h:1?addr=h:2":           "redis+sentinel://… or redis+cluster://",
		"memcached://h":                  `scheme "memcached" is not one of`,
		"redis+ring://h:1":               "after + comes sentinel or cluster",
		"redis://h:1/0?no_such_option=1": "unexpected option: no_such_option",
	} {
		if _, err := newClient(url, &config{timeout: DefaultTimeout}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", url, err, want)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"redis://user:hunter2@h:6379/0":                    "redis://user:xxxxx@h:6379/0",
		"redis://h:6379/0":                                 "redis://h:6379/0",
		"redis+sentinel://h:1/0?master_name=m&password=pw": "redis+sentinel://h:1/0?master_name=m&password=xxxxx",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// The prefix may not hold the hash tag's braces.
func TestPrefix(t *testing.T) {
	for _, p := range []string{"", "a{b", "}"} {
		if _, err := New(redis.NewClient(&redis.Options{}), WithPrefix(p)); err == nil {
			t.Errorf("prefix %q accepted", p)
		}
	}
}
