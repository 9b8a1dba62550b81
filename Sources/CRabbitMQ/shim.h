#ifndef GRIDWATCH_CRABBITMQ_SHIM_H
#define GRIDWATCH_CRABBITMQ_SHIM_H

// rabbitmq-c 0.12 moved its headers under <rabbitmq-c/…>; 0.11 (Debian 12) has them at the top.
#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp_socket.h>
#include <rabbitmq-c/ssl_socket.h>
#else
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#endif

/// amqp_login_with_properties is variadic (the SASL arguments), which Swift cannot call:
/// this wrapper fixes the PLAIN mechanism's two arguments, user name and password.
static inline amqp_rpc_reply_t gw_amqp_login_plain(amqp_connection_state_t state, char const *vhost,
                                                   int channel_max, int frame_max, int heartbeat,
                                                   amqp_table_t const *client_properties,
                                                   char const *user, char const *password) {
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat,
                                      client_properties, AMQP_SASL_METHOD_PLAIN, user, password);
}

#endif
