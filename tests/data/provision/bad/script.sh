#!/bin/sh
echo provisioned > /tmp/x
