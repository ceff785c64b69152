[description]
Enables the iisport connection actions for web applications that use the iisport module filter:
every HTTP/1 and HTTP/2 request gets the request attributes io.iisport.connection.disconnect
(graceful close after the response; HTTP/2: GOAWAY), io.iisport.connection.reset (TCP RST;
HTTP/2: RST_STREAM) and io.iisport.connection.close (close without a response).
The customizer installs itself on every connector when the server starts, and its counters
are exported over JMX when the jmx module is enabled.
Unzip iisport-jetty-extension-<version>-jetty-base.zip into ${jetty.base} first: it holds this
module, etc/iisport.xml and lib/iisport/iisport-jetty-extension-<version>.jar.

[tags]
connector
iisport

[depend]
server

[lib]
lib/iisport/*.jar

[xml]
etc/iisport.xml

[ini-template]
# tag::documentation[]
### iisport connection actions configuration

## Whether the HTTP/2 RST_STREAM frames requested by web applications are kept out of the
## rapid-reset rate control of the HTTP/2 connectors; the resets caused by clients stay counted.
# jetty.iisport.exemptApplicationResets=true

## How long, in milliseconds, an HTTP/2 connection that a web application disconnected or closed stays open
## after the server's final GOAWAY (sent once no stream is left) before the server closes it; a client that
## answers the GOAWAY closes it first.
# jetty.iisport.http2CloseGrace=100
# end::documentation[]
