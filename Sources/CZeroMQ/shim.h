#ifndef PIPELINE_CZEROMQ_SHIM_H
#define PIPELINE_CZEROMQ_SHIM_H
#include <zmq.h>
#endif
