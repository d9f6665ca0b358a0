-- One database per city.
CREATE DATABASE guangfo_440100;
CREATE DATABASE guangfo_440600;
