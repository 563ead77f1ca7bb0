// Package service is the home of Holdspace's application services, one
// package per capability: accounts, directory, programs, circles,
// agreements and meetings. A service authorises the caller, loads what it
// needs from the store, asks the domain packages to decide, and hands the
// resulting plans and messages to the store, which applies them in one
// transaction. The web app and the JSON API call services only.
//
// This package builds the whole set from one configuration, so that the
// server and every test wire the services the same way; its tests run
// whole journeys across the services (a program's round becomes a circle,
// whose meetings run in the room) against both databases.
package service
